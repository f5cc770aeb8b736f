# edgetee TA dev kit: builds an OP-TEE-style TA tree unmodified.
#
# A TA directory has a Makefile with
#     BINARY = <uuid>
#     -include $(TA_DEV_KIT_DIR)/mk/ta_dev_kit.mk
# a sub.mk (srcs-y, global-incdirs-y, incdirs-y, cflags-y, cppflags-y,
# cflags-remove-y, per-file cflags-<file>-y / cppflags-<file>-y /
# cflags-remove-<file>-y, subdirs-y, libnames, libdirs, srcs-$(CFG_X)) and a
# user_ta_header_defines.h. The result is $(O)/<uuid>.ta (O defaults to the
# TA directory), signed with the dev kit's key (TA_SIGN_KEY overrides).
#
# CFG_TEE_TA_LOG_LEVEL sets TRACE_LEVEL; every CFG_X=y becomes -DCFG_X=1,
# CFG_X=<value> becomes -DCFG_X=<value>; CFG_TA_OPTEE_CORE_API_COMPAT_1_1=y
# selects the GP 1.1 API.

ifeq ($(BINARY),)
$(error edgetee ta_dev_kit.mk: set BINARY to the TA's UUID)
endif

tadk := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
ta-dir := $(CURDIR)
O ?= .
out := $(patsubst %/,%,$(O))

ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif

CFG_TEE_TA_LOG_LEVEL ?= 1

cfg-vars := $(sort $(filter CFG_%,$(.VARIABLES)))
cfg-defs := $(foreach v,$(cfg-vars),$(if $(filter y,$($(v))),-D$(v)=1,$(if $(filter n,$($(v))),,$(if $(strip $($(v))),-D$(v)=$(strip $($(v)))))))
ifeq ($(CFG_TA_OPTEE_CORE_API_COMPAT_1_1),y)
cfg-defs += -D__OPTEE_CORE_API_COMPAT_1_1=1
endif

ta-cppflags := -I$(tadk)/include -DTRACE_LEVEL=$(CFG_TEE_TA_LOG_LEVEL) $(cfg-defs)
ta-cflags := -std=gnu11 -fPIC -O2 -g -Wall -fvisibility=default
ta-ldflags := -shared -Wl,-Bsymbolic -Wl,-z,defs -Wl,--undefined=__et_ta_run

# ---- sub.mk walk -----------------------------------------------------------
# Each sub.mk is read with its variables reset; what it declares is recorded
# per directory before its subdirectories are read.
all-srcs :=
all-global-incdirs :=
libnames :=
libdirs :=

define process-subdir
srcs-y :=
global-incdirs-y :=
incdirs-y :=
cflags-y :=
cppflags-y :=
cflags-remove-y :=
subdirs-y :=
include $(1)/sub.mk
dir-srcs-$(1) := $$(patsubst ./%,%,$$(addprefix $(1)/,$$(srcs-y)))
all-srcs += $$(dir-srcs-$(1))
all-global-incdirs += $$(patsubst ./%,%,$$(addprefix $(1)/,$$(global-incdirs-y)))
$$(foreach s,$$(srcs-y),$$(eval src-cflags-$$(patsubst ./%,%,$(1)/$$(s)) := $$(cflags-y) $$(cflags-$$(s)-y)))
$$(foreach s,$$(srcs-y),$$(eval src-cppflags-$$(patsubst ./%,%,$(1)/$$(s)) := $$(cppflags-y) $$(cppflags-$$(s)-y) $$(addprefix -I,$$(patsubst ./%,%,$$(addprefix $(1)/,$$(incdirs-y))))))
$$(foreach s,$$(srcs-y),$$(eval src-cflags-remove-$$(patsubst ./%,%,$(1)/$$(s)) := $$(cflags-remove-y) $$(cflags-remove-$$(s)-y)))
subdirs-of-$(1) := $$(subdirs-y)
$$(foreach d,$$(subdirs-of-$(1)),$$(eval $$(call process-subdir,$$(patsubst ./%,%,$(1)/$$(d)))))
endef

$(eval $(call process-subdir,.))

global-incs := $(addprefix -I,$(all-global-incdirs))
objdir := $(out)/.obj
objs := $(patsubst %.c,$(objdir)/%.o,$(filter %.c,$(all-srcs))) \
	$(patsubst %.S,$(objdir)/%.o,$(filter %.S,$(all-srcs)))
hdr-obj := $(objdir)/user_ta_header.o
so := $(out)/$(BINARY).so
ta := $(out)/$(BINARY).ta
ta-libs := $(addprefix -L,$(libdirs)) $(addprefix -l,$(libnames))
TA_SIGN_KEY ?= $(tadk)/keys/dev_key.pem

.PHONY: all clean FORCE
all: $(ta)

# Objects depend on the flags they were built with: a changed CFG_*, CFLAGS
# or sub.mk rebuilds them, as OP-TEE's build does.
flags-now := $(CC) $(ta-cflags) $(ta-cppflags) $(global-incs) $(CFLAGS) $(CPPFLAGS) \
	$(foreach s,$(all-srcs),$(s):$(src-cflags-$(s)):$(src-cppflags-$(s)):$(src-cflags-remove-$(s)))
flags-file := $(objdir)/.flags
$(flags-file): FORCE
	@mkdir -p $(dir $@)
	@if [ "$$(cat $@ 2>/dev/null)" != '$(subst ','\'',$(flags-now))' ]; then \
		printf '%s' '$(subst ','\'',$(flags-now))' > $@; fi

$(objdir)/%.o: %.c $(flags-file)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(filter-out $(src-cflags-remove-$<),$(ta-cflags) $(src-cflags-$<) $(CFLAGS)) \
		$(ta-cppflags) $(global-incs) $(src-cppflags-$<) $(CPPFLAGS) -MMD -MP -c $< -o $@

$(objdir)/%.o: %.S $(flags-file)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(filter-out $(src-cflags-remove-$<),$(ta-cflags) $(src-cflags-$<) $(CFLAGS)) \
		$(ta-cppflags) $(global-incs) $(src-cppflags-$<) $(CPPFLAGS) -c $< -o $@

$(hdr-obj): $(tadk)/src/user_ta_header.c $(wildcard user_ta_header_defines.h) $(flags-file)
	@mkdir -p $(dir $@)
	@echo "  CC      user_ta_header.c"
	$(Q)$(CC) $(ta-cflags) $(ta-cppflags) -I$(ta-dir) $(global-incs) -c $< -o $@

$(so): $(objs) $(hdr-obj) $(tadk)/lib/libutee.a
	@echo "  LD      $@"
	$(Q)$(CC) $(ta-ldflags) -o $@ $(objs) $(hdr-obj) $(ta-libs) $(tadk)/lib/libutee.a \
		-lcrypto -lpthread $(LDFLAGS)

$(ta): $(so)
	@echo "  SIGN    $@"
	$(Q)$(tadk)/bin/edgetee sign --key $(TA_SIGN_KEY) --out-dir $(out) $(so) > $(out)/.sign-out
	@if ! grep -q '/$(BINARY).ta$$' $(out)/.sign-out; then \
		echo "edgetee ta_dev_kit.mk: BINARY=$(BINARY) but the TA's TA_UUID is $$(cat $(out)/.sign-out)" >&2; \
		rm -f $(out)/.sign-out; exit 1; fi
	@rm -f $(out)/.sign-out

clean:
	rm -rf $(objdir) $(so) $(ta) $(out)/.sign-out

-include $(objs:.o=.d)

Q ?= @
