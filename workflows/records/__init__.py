"""What training leaves in the institution's records: training records and the nonconformity journal."""
