"""The nonconformity journal worked as a process (000 §9.3): entries opened once per cause, each
worked by the journal's diagram (bpmn/nonconformity.bpmn), and the figures the reports read."""
