# EdgeTEE.cmake: build a TA with CMake.
#
#   edgetee_add_ta(<target> SOURCES a.c b.c HEADER_DIR <dir with
#                  user_ta_header_defines.h> [INCLUDE_DIRS ...])
#
# builds <target> as a position-independent shared object linked with
# libutee, then signs it with the build's developer key into
# ${EDGETEE_TA_OUT_DIR}/<uuid>.ta (default: <build>/tas).
if(NOT EDGETEE_TA_OUT_DIR)
  set(EDGETEE_TA_OUT_DIR ${CMAKE_BINARY_DIR}/tas)
endif()
file(MAKE_DIRECTORY ${EDGETEE_TA_OUT_DIR})

function(edgetee_add_ta target)
  cmake_parse_arguments(TA "" "HEADER_DIR" "SOURCES;INCLUDE_DIRS;LIBS" ${ARGN})
  if(NOT TA_HEADER_DIR)
    message(FATAL_ERROR "edgetee_add_ta(${target}): HEADER_DIR is required")
  endif()
  add_library(${target} MODULE ${TA_SOURCES} ${EDGETEE_TA_HEADER_SRC})
  target_include_directories(${target} PRIVATE ${TA_HEADER_DIR} ${TA_INCLUDE_DIRS})
  # The sanitizer build checks the TEE (libutee, the TA host), not TA code:
  # an instrumented TA would turn its own deliberate faults into sanitizer
  # reports that the sandbox then cuts short.
  if(EDGETEE_SANITIZE)
    set_source_files_properties(${TA_SOURCES} PROPERTIES COMPILE_OPTIONS
      "-fno-sanitize=address,undefined")
  endif()
  # The runtime's entry is referenced only by the loader: pull it in, and
  # bind the TA's own symbols inside the TA.
  target_link_libraries(${target} PRIVATE -Wl,--undefined=__et_ta_run utee ${TA_LIBS}
    -Wl,-Bsymbolic -Wl,-z,defs)
  set_target_properties(${target} PROPERTIES PREFIX "" OUTPUT_NAME ${target}
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/ta-elf)
  add_dependencies(${target} dev_key)
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND $<TARGET_FILE:edgetee> sign --key ${EDGETEE_DEV_KEY}
            --out-dir ${EDGETEE_TA_OUT_DIR} $<TARGET_FILE:${target}> > /dev/null
    COMMENT "Signing TA ${target}")
endfunction()
