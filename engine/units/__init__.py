"""Units: records → typed Unit values (from the criteria's input declarations) or data errors."""
