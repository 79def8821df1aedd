"""Application forms (表单自动套打): definitions as data, prefilled from the resident's profile, filled in
the mini-program, attached to an appointment and printed at the window as a PDF 申请表."""
