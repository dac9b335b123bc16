#!/usr/bin/env bash
# kubelet's path timed: containerd 1.6's CRI RunPodSandbox, StopPodSandbox and RemovePodSandbox of a pod with a
# hostPort and bandwidth annotations, over bridge(ipMasq) + portmap + firewall + tuning + bandwidth, with cnibox's
# symlinks vs Debian's Go plugins (/usr/lib/cni) as CRI bin_dir, in one run. Two private containerd daemons, one
# per plugin dir, each in its own node netns with the same conflist; pods alternate between them. The time is
# the CRI call's as tests/CriClient measures it (no client start in it); containerd's own work is in it too.
# Prints markdown rows: median (min-max) ms, ratio of medians. Run as root. Usage: bench/cri.sh [RUNS]  (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
[ "$(id -u)" -eq 0 ] || { echo "bench/cri.sh: run as root (it creates network namespaces and runs containerd)" >&2; exit 1; }
bash tests/deps.sh
cnibox=${CNIBOX_BIN:-out/cnibox}
[ -n "${CNIBOX_BIN:-}" ] || [ -x out/cnibox ] || bash tests/publish.sh
work=$(mktemp -d /tmp/cbt-cri-bench.XXXXXX)
impls=(ours go)
declare -A dir=([ours]=$work/bin [go]=/usr/lib/cni) node=([ours]=cbt-cri-bo-$$ [go]=cbt-cri-bg-$$) pid=()
image=docker.io/library/cbt-busybox:latest
cleanup() {
  for impl in "${impls[@]}"; do
    sock=$work/$impl/containerd.sock
    if [ -n "${pid[$impl]:-}" ]; then
      for task in $(ctr -a "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
        ctr -a "$sock" -n k8s.io tasks kill -a -s SIGKILL "$task" 2>/dev/null || true
        ctr -a "$sock" -n k8s.io tasks rm -f "$task" >/dev/null 2>&1 || true
      done
      kill "${pid[$impl]}" 2>/dev/null && wait "${pid[$impl]}" 2>/dev/null || true
    fi
    ip netns del "${node[$impl]}" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
CNIBOX_BIN=$cnibox ./symlinks.sh "$work/bin" >/dev/null
dotnet build tests/CriClient/CriClient.csproj -c Release -o "$work/criclient" -nologo -v quiet -clp:ErrorsOnly >&2
cri=$work/criclient/criclient

# The offline image: busybox-static installed into a rootfs, podman import + save in a private mount namespace
# (tmpfs over /var/lib and /run: the host's podman state is never created), imported into each daemon below.
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,www,proc,sys,dev,tmp,run,var}
cp /bin/busybox "$rootfs/bin/busybox"
chroot "$rootfs" /bin/busybox --install -s
tar -C "$rootfs" -cf "$work/rootfs.tar" .
printf '[storage]\ndriver = "vfs"\ngraphroot = "%s/podman/graph"\nrunroot = "%s/podman/run"\n' "$work" "$work" >"$work/storage.conf"
CONTAINERS_STORAGE_CONF=$work/storage.conf unshare --mount --propagation private sh -c "mount -t tmpfs cbt-cri /var/lib &&
  mount -t tmpfs cbt-cri /run && podman import --change 'CMD [\"/bin/sleep\",\"86400\"]' $work/rootfs.tar $image &&
  podman save --format docker-archive -o $work/image.tar $image" >/dev/null 2>&1

containerd config default >"$work/default.toml"
for impl in "${impls[@]}"; do
  d=$work/$impl
  mkdir -p "$d/net.d" "$d/logs"
  ip netns add "${node[$impl]}"
  ip -n "${node[$impl]}" link set lo up
  sed -e "s|^root = .*|root = \"$d/root\"|" -e "s|^state = .*|state = \"$d/state\"|" \
    -e "/^\[grpc\]/,/^\[/s|^  address = .*|  address = \"$d/containerd.sock\"|" \
    -e "/^\[ttrpc\]/,/^\[/s|^  address = .*|  address = \"$d/containerd.sock.ttrpc\"|" \
    -e "s|^      bin_dir = .*|      bin_dir = \"${dir[$impl]}\"|" -e "s|^      conf_dir = .*|      conf_dir = \"$d/net.d\"|" \
    -e "s|restrict_oom_score_adj = false|restrict_oom_score_adj = true|" -e "s|sandbox_image = .*|sandbox_image = \"$image\"|" \
    -e "s|path = \"/opt/containerd\"|path = \"$d/opt\"|" -e "s|^            Root = \"\"|            Root = \"$d/runc\"|" \
    "$work/default.toml" >"$d/config.toml"
  cat >"$d/net.d/10-cbtcri.conflist" <<JSON
{"cniVersion":"1.0.0","name":"cbtcri","plugins":[
 {"type":"bridge","bridge":"cbtcri1","isGateway":true,"ipMasq":true,
  "ipam":{"type":"host-local","dataDir":"$d/ipam","ranges":[[{"subnet":"10.199.87.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}]}},
 {"type":"portmap","capabilities":{"portMappings":true}},
 {"type":"firewall"},
 {"type":"tuning"},
 {"type":"bandwidth","capabilities":{"bandwidth":true}}]}
JSON
  nsenter --net="/var/run/netns/${node[$impl]}" -- containerd --config "$d/config.toml" >"$d/containerd.log" 2>&1 &
  pid[$impl]=$!
done
for impl in "${impls[@]}"; do
  sock=$work/$impl/containerd.sock
  for _ in $(seq 100); do [ -S "$sock" ] && "$cri" "$sock" status 2>/dev/null | grep -q NetworkReady=True && break; sleep 0.1; done
  "$cri" "$sock" status | grep -q NetworkReady=True || { tail -20 "$work/$impl/containerd.log" >&2; exit 1; }
  ctr -a "$sock" -n k8s.io image import "$work/image.tar" >/dev/null
done

# pod IMPL ATTEMPT: one pod's life; appends "IMPL OP MS" lines to $work/times (attempt 0 is the untimed warm-up).
pod() {
  local impl=$1 attempt=$2 sock=$work/$1/containerd.sock conf=$work/$1/pod.json out id
  cat >"$conf" <<JSON
{"metadata":{"name":"cbt-bench","uid":"cbt-bench-uid","namespace":"cbt","attempt":$attempt},"hostname":"cbt-bench",
 "logDirectory":"$work/$impl/logs","portMappings":[{"protocol":"TCP","containerPort":80,"hostPort":18610}],
 "annotations":{"kubernetes.io/ingress-bandwidth":"10M","kubernetes.io/egress-bandwidth":"10M"},"linux":{}}
JSON
  out=$("$cri" "$sock" runp "$conf") || { tail -20 "$work/$impl/containerd.log" >&2; exit 1; }
  id=${out% *}
  [ "$attempt" -eq 0 ] || echo "$impl RunPodSandbox ${out#* }" >>"$work/times"
  out=$("$cri" "$sock" stopp "$id") || exit 1
  [ "$attempt" -eq 0 ] || echo "$impl StopPodSandbox $out" >>"$work/times"
  out=$("$cri" "$sock" rmp "$id") || exit 1
  [ "$attempt" -eq 0 ] || echo "$impl RemovePodSandbox $out" >>"$work/times"
}
for attempt in $(seq 0 "$runs"); do
  for impl in "${impls[@]}"; do pod "$impl" "$attempt"; done
done

echo "$(containerd --version | cut -d' ' -f3), runc $(runc --version | sed -n 's/^runc version //p'); cnibox $("$work/bin/cnibox" --version) vs" \
  "Debian containernetworking-plugins $(dpkg-query -W -f='${Version}' containernetworking-plugins); $runs pods each, alternating"
echo
echo "| CRI call (pod: hostPort + bandwidth) | cnibox ms             | Go ms                 | ratio |"
echo "|--------------------------------------|-----------------------|-----------------------|-------|"
for op in RunPodSandbox StopPodSandbox RemovePodSandbox; do
  awk -v op="$op" '
    $2 == op { t[$1, ++n[$1]] = $3 }
    function median(c,   i, j, k, a, tmp) {
      k = n[c]; for (i = 1; i <= k; i++) a[i] = t[c, i]
      for (i = 2; i <= k; i++) { tmp = a[i]; for (j = i - 1; j > 0 && a[j] > tmp; j--) a[j + 1] = a[j]; a[j + 1] = tmp }
      lo[c] = a[1]; hi[c] = a[k]
      return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
    }
    END {
      o = median("ours"); g = median("go")
      printf "| %-36s | %6.1f (%5.1f-%6.1f) | %6.1f (%5.1f-%6.1f) | %5.2f |\n", op, o, lo["ours"], hi["ours"], g, lo["go"], hi["go"], o / g
    }' "$work/times"
done
