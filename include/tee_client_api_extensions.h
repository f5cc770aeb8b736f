/*
 * TEE Client API extensions header, present because optee_client ships one
 * and client code includes it. edgetee adds no functions of its own here.
 */
#ifndef TEE_CLIENT_API_EXTENSIONS_H
#define TEE_CLIENT_API_EXTENSIONS_H

#include <tee_client_api.h>

#endif
