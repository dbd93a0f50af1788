import DocumentScan
import Testing
