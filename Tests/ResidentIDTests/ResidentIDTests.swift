import ResidentID
import Testing
