"""Helpers of Scripts/capture-parsl-fixtures: real Parsl clients recorded on loopback as test fixtures."""
