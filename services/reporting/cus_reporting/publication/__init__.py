"""What leaves the reporting service: tables after disclosure control, their charts and
exports. Nothing here ever sees a figure that :mod:`cus_reporting.disclosure` has hidden."""
