"""What the gmina can offer a resident: the services of its programme and the contracts
covering it, read through the gmina's own views of the agreement's data; and the contracts'
monthly capacity shared with the other gminy of a contract."""
