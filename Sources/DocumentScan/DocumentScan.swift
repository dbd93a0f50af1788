/// Document scanning through SANE (issue 5).
public enum DocumentScan {}
import CSANE
import CCairo
