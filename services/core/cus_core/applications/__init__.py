"""Applications (wnioski) for services of the gmina's programme, needs interviews and the
team's qualification decisions."""
