package build

import "golang.org/x/sys/unix"

// topDirFlag reports whether dir carries ext4's top-directory flag.
func topDirFlag(dir string) (bool, error) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false, err
	}
	defer unix.Close(fd)
	flags, err := unix.IoctlGetUint32(fd, unix.FS_IOC_GETFLAGS)
	return flags&fsTopDir != 0, err
}
