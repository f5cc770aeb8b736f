global-incdirs-y += include
srcs-y += props_ta.c
# The Property API calls live in a subdirectory with its own sub.mk.
subdirs-y += readers
