/// PC/SC transport, APDUs, BER-TLV and ICAO 9303 eMRTD reading (issue 3).
public enum SmartCard {}
import CPCSCLite
import CLibCrypto
