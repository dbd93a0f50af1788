import SmartCard
import Testing
