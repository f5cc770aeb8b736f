# Create the developer signing key once; later builds keep it, so TAs signed
# earlier stay valid. Run as: cmake -DTOOL=edgetee -DKEY=.. -DPUB=.. -P dev_key.cmake
if(NOT EXISTS "${KEY}")
  execute_process(COMMAND "${TOOL}" keygen "${KEY}" "${PUB}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "edgetee keygen failed")
  endif()
endif()
