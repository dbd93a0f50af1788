// 3DES (DES-EDE) for ICAO 9303 Basic Access Control; swift-crypto has no DES.
#include <openssl/des.h>
#include <openssl/evp.h>
