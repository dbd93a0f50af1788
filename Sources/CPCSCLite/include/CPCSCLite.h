// pcsclite's own headers include each other as <pcsclite.h> and <wintypes.h>, which needs
// -I/usr/include/PCSC; libpcsclite.pc gives that together with -pthread, a flag SwiftPM refuses.
// The two forwarding headers beside this one answer those includes instead.
#include <PCSC/winscard.h>
#include <PCSC/reader.h>
