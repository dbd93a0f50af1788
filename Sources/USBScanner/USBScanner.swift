/// Code scanners through libusb (HID keyboard-wedge and HID POS) and serial lines (issue 5).
public enum USBScanner {}
import CLibUSB
