package build

import "golang.org/x/sys/unix"

// fsTopDir is ext2/3/4's "top of directory hierarchies" flag (chattr +T,
// FS_TOPDIR_FL).
const fsTopDir = 0x00020000

// spreadChildren marks dir so that ext4 places the folders made in it
// apart, each in a block group of its own choosing, as it does for the
// folders of /home: the hint is for a folder whose folders are unrelated,
// such as articles/ with a folder per article. Without it each new
// folder (and the files in it) goes into the same few groups as the
// previous build's, just deleted; and ext4 without a journal (as on the
// machines this is benchmarked on) skips every recently deleted inode of
// a group one by one for each new file, so a rebuild of 10,000 pages
// slows down by seconds, more with every build. Other file systems
// refuse the flag, which is only a hint: errors are ignored.
func spreadChildren(dir string) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(fd)
	flags, err := unix.IoctlGetUint32(fd, unix.FS_IOC_GETFLAGS)
	if err != nil || flags&fsTopDir != 0 {
		return
	}
	_ = unix.IoctlSetPointerInt(fd, unix.FS_IOC_SETFLAGS, int(flags|fsTopDir))
}
