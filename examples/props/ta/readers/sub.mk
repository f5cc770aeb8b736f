# Exported to the whole TA: props_ta.c includes read_props.h from here.
global-incdirs-y += .
srcs-y += read_props.c
# Per-file flags: read_props.c only compiles with this prefix defined.
cflags-read_props.c-y += -DPROP_PREFIX=\"com.example.edgetee.\"
cflags-read_props.c-y += -Wextra
