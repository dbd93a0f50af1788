import Printing
import Testing
