import struct, sys, collections
path = sys.argv[1]
data = bytearray(open(path,'rb').read())
# locate .nv_fatbin section
import subprocess
out = subprocess.check_output(['readelf','-SW',path]).decode()
for line in out.splitlines():
    if '.nv_fatbin' in line:
        parts = line.split(']')[1].split()
        off = int(parts[3],16); size = int(parts[4],16)
pos = off; end = off+size
stats = collections.Counter(); counts = collections.Counter(); n=0
zero = len(sys.argv) > 2
keep = set(int(a) for a in sys.argv[3:]) if zero else set()
zeroed = 0
while pos < end:
    magic, ver, hsz, fsz = struct.unpack_from('<IHHQ', data, pos)
    if magic != 0xBA55ED50:
        pos += 8; continue
    n += 1
    e = pos + hsz; fend = pos + hsz + fsz
    while e < fend:
        kind, attr, ehsz, psize = struct.unpack_from('<HHIQ', data, e)
        if ehsz == 0: break
        # arch at offset 28 (uint32) per public docs
        arch = struct.unpack_from('<I', data, e+28)[0]
        flags = struct.unpack_from('<Q', data, e+32)[0]
        stats[(kind, arch)] += psize; counts[(kind,arch)] += 1
        if zero and arch not in keep:
            s = e+ehsz; data[s:s+psize] = bytes(psize); zeroed += psize
        e += ehsz + psize
    pos = fend
print('fatbins', n)
for k,v in sorted(stats.items()): print(k, counts[k], v//1024//1024, 'MiB')
if zero:
    open(sys.argv[2],'wb').write(data); print('zeroed', zeroed//1024//1024, 'MiB')
