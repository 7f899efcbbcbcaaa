"""Inter-municipal agreements (porozumienia gmin): a partner CUS shared by member gminy."""
