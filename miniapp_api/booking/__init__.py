"""Online booking (网上预约): slots, appointments, the reserve script, counters rebuilt from MongoDB."""
