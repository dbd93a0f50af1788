// libumockdev's testbed API, for the umockdev replay program of the USB scanner tests only; never
// linked into kioskd.
#include <umockdev.h>
