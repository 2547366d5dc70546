#!/usr/bin/env bash
# platform/'s folders form layers: each may include only its own folder and the
# folders listed before it (README, "How it works"). An include that points the
# other way fails this test, naming the file and the include.
# Usage: platform_layers.sh SOURCE_DIR
set -u
cd "$1/platform" || exit 2
layers=(data elaboration mapping functional session sweep cli)
declare -A rank
for i in "${!layers[@]}"; do rank[${layers[$i]}]=$i; done

status=0
for dir in *; do
  [ -d "$dir" ] || continue
  if [ -z "${rank[$dir]+x}" ]; then
    echo "platform/$dir: a folder this test does not know; give it its place in the layers"
    status=1
    continue
  fi
  for file in "$dir"/*.cpp "$dir"/*.hpp; do
    [ -e "$file" ] || continue
    while IFS=: read -r line target; do
      to=${target%%/*}
      if [ -z "${rank[$to]+x}" ]; then
        echo "platform/$file:$line: includes platform/$target, which is in no known folder"
        status=1
      elif [ "${rank[$to]}" -gt "${rank[$dir]}" ]; then
        echo "platform/$file:$line: $dir/ includes platform/$target, but $to/ comes after $dir/"
        status=1
      fi
    done < <(grep -no '#include "platform/[^"]*"' "$file" | sed 's|:#include "platform/|:|; s|"$||')
  done
done
files=$(ls ./*.cpp ./*.hpp 2>/dev/null)
if [ -n "$files" ]; then
  echo "platform/ holds sources outside its folders: $files"
  status=1
fi
[ $status -eq 0 ] && echo "platform/ layers: every include points to its own folder or an earlier one"
exit $status
