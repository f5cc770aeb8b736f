# build/export: what OP-TEE users point their usual variables at.
#   export/ta_dev_kit  -> TA_DEV_KIT_DIR  (mk/, include/, lib/libutee.a,
#                                          src/user_ta_header.c, keys/, bin/)
#   export/client      -> TEEC_EXPORT     (include/, lib/libteec.so*,
#                                          lib/pkgconfig/teec.pc, lib/cmake/teec/)
set(TADK ${CMAKE_BINARY_DIR}/export/ta_dev_kit)
set(TEEC_EXPORT ${CMAKE_BINARY_DIR}/export/client)

file(GLOB EDGETEE_PUBLIC_HEADERS ${CMAKE_SOURCE_DIR}/include/*.h)
configure_file(${CMAKE_SOURCE_DIR}/devkit/teec.pc.in ${TEEC_EXPORT}/lib/pkgconfig/teec.pc @ONLY)
configure_file(${CMAKE_SOURCE_DIR}/devkit/teecConfig.cmake.in
  ${TEEC_EXPORT}/lib/cmake/teec/teecConfig.cmake @ONLY)
configure_file(${CMAKE_SOURCE_DIR}/devkit/edgetee-sign.in ${TADK}/bin/edgetee @ONLY
  FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
  WORLD_READ WORLD_EXECUTE)

add_custom_target(export ALL
  COMMAND ${CMAKE_COMMAND} -E make_directory ${TADK}/mk ${TADK}/include ${TADK}/lib
          ${TADK}/src ${TADK}/keys ${TEEC_EXPORT}/include ${TEEC_EXPORT}/lib
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${CMAKE_SOURCE_DIR}/devkit/mk/ta_dev_kit.mk
          ${TADK}/mk/
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${EDGETEE_PUBLIC_HEADERS} ${TADK}/include/
  COMMAND ${CMAKE_COMMAND} -E copy_if_different $<TARGET_FILE:utee> ${TADK}/lib/
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${EDGETEE_TA_HEADER_SRC} ${TADK}/src/
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${EDGETEE_DEV_KEY} ${EDGETEE_DEV_PUB}
          ${TADK}/keys/
  COMMAND ${CMAKE_COMMAND} -E copy_if_different
          ${CMAKE_SOURCE_DIR}/include/tee_client_api.h
          ${CMAKE_SOURCE_DIR}/include/tee_client_api_extensions.h ${TEEC_EXPORT}/include/
  COMMAND ${CMAKE_COMMAND} -E copy_if_different $<TARGET_FILE:teec> ${TEEC_EXPORT}/lib/
  COMMAND ${CMAKE_COMMAND} -E create_symlink $<TARGET_FILE_NAME:teec>
          ${TEEC_EXPORT}/lib/libteec.so.1
  COMMAND ${CMAKE_COMMAND} -E create_symlink libteec.so.1 ${TEEC_EXPORT}/lib/libteec.so
  DEPENDS utee teec dev_key edgetee
  COMMENT "Exporting the TA dev kit and the client export (build/export)")
