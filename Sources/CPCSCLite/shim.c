// The C target needs one source; the library itself is libpcsclite.
#include "CPCSCLite.h"
