//go:build !linux

package store

func refuseNetworkFS(string) error { return nil }
