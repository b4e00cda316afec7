#!/bin/sh
# ippeveprinter's print command (-c) for the CUPS tier: it "prints" the job and then reports the
# levels the way a CUPS driver does, with ATTR: lines on stderr, which ippeveprinter turns into its
# marker-* attributes and CUPS's ipp backend relays to the queue. Each job uses 7 % black.
level_file="${TRAYSIDE_LEVEL_FILE:?}"
level=$(cat "$level_file" 2> /dev/null || echo 60)
level=$((level - 7))
[ "$level" -lt 0 ] && level=0
echo "$level" > "$level_file"
# Cyan reports -3, "unknown but some left" (RFC 3805), as printers without a level sensor do.
echo "ATTR: marker-names=Black,Waste,Cyan" >&2
echo "ATTR: marker-colors=#000000,none,#00FFFF" >&2
echo "ATTR: marker-types=toner,waste-toner,toner" >&2
echo "ATTR: marker-levels=$level,20,-3" >&2
echo "ATTR: marker-low-levels=10,90,10" >&2
echo "ATTR: marker-high-levels=100,0,100" >&2
cat "$1" > /dev/null 2>&1
exit 0
