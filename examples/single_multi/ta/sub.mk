global-incdirs-y += include
srcs-y += single_multi_ta.c
