#!/bin/bash
# Per-bin counts of a capture window with tshark (the README's fault tables):
# usage: bench/day/window.sh START_EPOCH END_EPOCH BIN FILE...   (10/20-s bins: packets, SYNs, SYN retransmissions, SYN-ACKs, ClientHellos, ServerHellos, RSTs by side, server payload)
a=$1; b=$2; bin=$3; shift 3
for f in "$@"; do tshark -r "$f" -T fields -e frame.time_epoch -e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.reset -e tcp.srcport -e tcp.len -e tcp.analysis.retransmission -e tcp.payload 2>/dev/null; done | awk -v a=$a -v B=$b -v bin=$bin -F'\t' '
$1>=a && $1<B { k=int(($1-a)/bin); K[k]=1
  if($2==1 && $3==0){syn[k]++; if($7!="") synr[k]++}
  if($2==1 && $3==1) sa[k]++
  p=substr($8,1,12)
  if($5==443 && p ~ /^1603......02$/ ) sh[k]++
  if($5!=443 && substr(p,1,4)=="1603" && substr(p,11,2)=="01") ch[k]++
  if($4==1 && $5!=443) rc[k]++
  if($4==1 && $5==443) rs[k]++
  if($6>0 && $5==443) sp[k]+=$6
  n[k]++ }
END { printf "| %5s | %6s | %5s | %5s | %6s | %5s | %5s | %5s | %5s | %9s |\n","t (s)","pkts","SYN","SYNre","SYNACK","CH","SH","RSTc","RSTs","srv bytes"; for(k=0;k<=int((B-a)/bin);k++) if(k in K) printf "| %5d | %6d | %5d | %5d | %6d | %5d | %5d | %5d | %5d | %9d |\n",k*bin,n[k],syn[k]+0,synr[k]+0,sa[k]+0,ch[k]+0,sh[k]+0,rc[k]+0,rs[k]+0,sp[k]+0 }'
