global-incdirs-y += include
# The point of this example: a 1.1 TA builds without a single warning.
cflags-y += -Wextra
srcs-y += gp11_api_ta.c
