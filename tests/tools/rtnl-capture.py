#!/usr/bin/env python3
"""Captures rtnetlink replies from the kernel and prints them as C# byte-array rows with a comment per
attribute, for golden tests (tests/CniBox.Tests/Unit/Netlink/Captures).

Usage (root): tests/tools/rtnl-capture.py '!ip link add cbtbr0 type bridge' 'link cbtbr0' ['qdiscs' ...]
Everything runs inside one throwaway netns cbt-rtnl-<hex>, deleted at the end. An argument starting with '!'
is a setup command (run by sh in the netns, not printed); 'link NAME' prints the reply to the by-name
RTM_GETLINK that LinkMessages.GetByName sends; 'qdiscs' prints every message of an RTM_GETQDISC dump.
"""
import os, secrets, socket, struct, subprocess, sys

NAMES={1:'IFLA_ADDRESS',2:'IFLA_BROADCAST',3:'IFLA_IFNAME',4:'IFLA_MTU',5:'IFLA_LINK',10:'IFLA_MASTER',13:'IFLA_TXQLEN',16:'IFLA_OPERSTATE',18:'IFLA_LINKINFO',30:'IFLA_PROMISCUITY',37:'IFLA_LINK_NETNSID'}
INFO={1:'IFLA_INFO_KIND',2:'IFLA_INFO_DATA',4:'IFLA_INFO_SLAVE_KIND',5:'IFLA_INFO_SLAVE_DATA'}
BR={1:'IFLA_BR_FORWARD_DELAY',2:'IFLA_BR_HELLO_TIME',3:'IFLA_BR_MAX_AGE',4:'IFLA_BR_AGEING_TIME',5:'IFLA_BR_STP_STATE',6:'IFLA_BR_PRIORITY',7:'IFLA_BR_VLAN_FILTERING',8:'IFLA_BR_VLAN_PROTOCOL',23:'IFLA_BR_MCAST_SNOOPING',39:'IFLA_BR_VLAN_DEFAULT_PVID'}
MV={1:'IFLA_MACVLAN_MODE',2:'IFLA_MACVLAN_FLAGS',7:'IFLA_MACVLAN_BC_QUEUE_LEN',8:'IFLA_MACVLAN_BC_QUEUE_LEN_USED'}
TCA={1:'TCA_KIND',2:'TCA_OPTIONS',3:'TCA_STATS',4:'TCA_XSTATS',5:'TCA_RATE',6:'TCA_FCNT',7:'TCA_STATS2',8:'TCA_STAB',9:'TCA_PAD',10:'TCA_DUMP_INVISIBLE',11:'TCA_CHAIN',12:'TCA_HW_OFFLOAD',13:'TCA_INGRESS_BLOCK',14:'TCA_EGRESS_BLOCK',15:'TCA_DUMP_FLAGS',16:'TCA_EXT_WARN_MSG'}
out=[]
def hexs(b): return ', '.join('0x%02x'%x for x in b)
def line(b, comment=''):
    s='        '+hexs(b)+','
    if comment: s=s.ljust(72)+'// '+comment
    out.append(s.rstrip())
def chunk(b, comment=''):
    for i in range(0,len(b),8):
        line(b[i:i+8], comment if i==0 else '')
def val(p):
    if len(p)==1: return str(p[0])
    if len(p)==2: return str(struct.unpack('<H',p)[0])
    if len(p)==4: return str(struct.unpack('<I',p)[0])
    if len(p)==8: return str(struct.unpack('<Q',p)[0])
    return '%d bytes'%len(p)
def attrs(b, names, indent, kind=None, family='link'):
    off=0
    while off+4<=len(b):
        l,t=struct.unpack('<HH',b[off:off+4]); ty=t&0x3fff
        al=(l+3)&~3
        p=b[off+4:off+l]; pad=al-l
        name=names.get(ty,'type %d'%ty)
        nested=(family=='link' and names is NAMES and ty==18) or (names is INFO and ty in (2,5) and kind in ('bridge','macvlan','ifb','veth'))
        if names is NAMES and ty==3 or names is INFO and ty in (1,4) or names is TCA and ty==1:
            desc='%s len %d = "%s"'%(name,l,p.rstrip(b'\0').decode())
        elif ty==1 and names is NAMES and len(p)==6:
            desc='%s len %d = %s'%(name,l,':'.join('%02x'%x for x in p))
        else:
            desc='%s len %d = %s'%(name,l,val(p)) if not nested else '%s len %d {'%(name,l)
        if pad and not nested: desc+=' + %d pad'%pad
        if nested:
            chunk(b[off:off+4], indent+desc)
            sub = INFO if names is NAMES else (BR if kind=='bridge' and ty==2 else MV if kind=='macvlan' else {})
            k=kind
            if names is NAMES:
                # find kind
                o=0
                while o+4<=len(p):
                    ll,tt=struct.unpack('<HH',p[o:o+4])
                    if tt==1: k=p[o+4:o+ll].rstrip(b'\0').decode()
                    o+=(ll+3)&~3
            attrs(p, sub if names is not NAMES else INFO, indent+'  ', k)
            out.append('        '.ljust(72)+'// '+indent+'}')
        else:
            chunk(b[off:off+al], indent+desc)
        off+=al
def request(msgtype, flags, payload):
    s=socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0); s.bind((0,0))
    s.setsockopt(270, 12, 1)  # strict check
    seq=1795426300
    msg=struct.pack('<IHHII',16+len(payload),msgtype,flags,seq,0)+payload
    s.send(msg)
    data=b''
    msgs=[]
    while True:
        d=s.recv(65536)
        o=0; done=False
        while o<len(d):
            l,t,f=struct.unpack('<IHH',d[o:o+8])
            if t in (2,3): done=True; break
            msgs.append(d[o:o+l]); o+=(l+3)&~3
        if done or not (msgs and struct.unpack('<IHH',msgs[-1][:8])[2]&2): break
    return msgs
def getlink(name):
    nm=name.encode()+b'\0'
    ifname=struct.pack('<HH',4+len(nm),3)+nm+b'\0'*((4-len(nm)%4)%4)
    payload=struct.pack('<BBHiII',0,0,0,0,0,0)+struct.pack('<HHI',8,29,1|8)+ifname
    return request(18, 1, payload)[0]
def dump_link_msg(m):
    l,t,f,seq,pid=struct.unpack('<IHHII',m[:16])
    chunk(m[0:8],'len %d, RTM_NEWLINK'%l); chunk(m[8:16],'seq %d, pid %d'%(seq,pid))
    fam,_,typ,idx,flags,chg=struct.unpack('<BBHiII',m[16:32])
    chunk(m[16:24],'ifinfomsg: family %d, type %d, index %d'%(fam,typ,idx)); chunk(m[24:32],'ifi_flags 0x%x, ifi_change 0x%x'%(flags,chg))
    attrs(m[32:], NAMES, '')
def dump_qdiscs(index):
    payload=struct.pack('<BBHiIII',0,0,0,index,0,0,0)
    return request(38, 1|0x300, payload)
def dump_tc_msg(m):
    l,t,f,seq,pid=struct.unpack('<IHHII',m[:16])
    chunk(m[0:8],'len %d, type %d, flags 0x%x'%(l,t,f)); chunk(m[8:16],'seq %d, pid %d'%(seq,pid))
    fam,_,_,idx,h,p,info=struct.unpack('<BBHiIII',m[16:36])
    chunk(m[16:24],'tcmsg: family %d, ifindex %d'%(fam,idx)); chunk(m[24:32],'tcm_handle 0x%x, tcm_parent 0x%x'%(h,p)); chunk(m[32:36],'tcm_info 0x%x'%info)
    attrs(m[36:], TCA, '', family='tc')


def inner(args):
    for arg in args:
        if arg.startswith('!'):
            subprocess.run(['sh', '-c', arg[1:]], check=True)
        elif arg.startswith('link '):
            dump_link_msg(getlink(arg[5:]))
        elif arg == 'qdiscs':
            for m in dump_qdiscs(0):
                dump_tc_msg(m)
                out.append('        // ----')
        else:
            sys.exit(f'unknown argument {arg!r}')
    print('\n'.join(out))


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == '--inner':
        inner(sys.argv[2:])
    else:
        ns = 'cbt-rtnl-' + secrets.token_hex(3)
        subprocess.run(['ip', 'netns', 'add', ns], check=True)
        try:
            sys.exit(subprocess.run(['ip', 'netns', 'exec', ns, sys.executable, os.path.abspath(__file__), '--inner', *sys.argv[1:]]).returncode)
        finally:
            subprocess.run(['ip', 'netns', 'del', ns], check=True)
