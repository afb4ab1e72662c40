"""The self-assessment form (.xlsx): its layout, shared by the template writer and the workbook reader."""
