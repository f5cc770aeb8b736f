global-incdirs-y += include
srcs-y += rsa_ta.c
