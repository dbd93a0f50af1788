import USBScanner
import Testing
