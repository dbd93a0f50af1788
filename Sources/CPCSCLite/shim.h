#include <winscard.h>
#include <pcsclite.h>
