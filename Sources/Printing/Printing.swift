/// Printers through CUPS: destinations, jobs tracked to their end, printer-state-reasons as health (issue 4).
public enum Printing {}
import CCUPS
import CCairo
import CQREncode
