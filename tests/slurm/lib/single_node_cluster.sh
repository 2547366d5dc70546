# A single-node Slurm cluster on this machine, for tests and benches (sourced).
#
# start_cluster starts munged, slurmctld and slurmd from Debian's munge and
# slurm-wlm with a generated slurm.conf for this host and its CPUs, in a private
# directory ($work, made here) and on private ports, exports SLURM_CONF, and
# arranges for everything to stop and be removed on exit. It prints FAIL and
# returns 1 when a program is missing or a daemon does not come up: such a
# machine fails, it does not skip.
# wait_for_queue waits until no task is queued or running (at most 300 s).

stop_cluster() {
  local pid_file
  for pid_file in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
    [[ -s $pid_file ]] && kill "$(cat "$pid_file")" 2>/dev/null
  done
  sleep 1
  for pid_file in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
    [[ -s $pid_file ]] && kill -9 "$(cat "$pid_file")" 2>/dev/null
  done
  rm -rf "$work"
}

show_logs() {
  local log
  for log in "$work/slurmctld.log" "$work/slurmd.log" "$work/munge/munged.log"; do
    [[ -f $log ]] && { echo "--- $log"; tail -20 "$log"; }
  done
}

start_cluster() {
  local program
  for program in munged slurmctld slurmd sbatch squeue scancel sinfo; do
    if ! command -v "$program" >/dev/null 2>&1; then
      echo "FAIL: $program is not installed (make test installs munge and slurm-wlm)"
      return 1
    fi
  done
  work=$(mktemp -d /tmp/mottsim_slurm.XXXXXX)
  chmod 755 "$work"
  export SLURM_CONF=$work/slurm.conf
  trap stop_cluster EXIT

  mkdir -p "$work/munge" "$work/state" "$work/spool"
  chmod 700 "$work/munge"
  dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 2>/dev/null
  chmod 600 "$work/munge/munge.key"
  if ! munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
      --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed"; then
    echo "FAIL: munged did not start"
    show_logs
    return 1
  fi
  local host cpus base_port user
  host=$(hostname -s)
  cpus=$(nproc)
  # Private ports, so a cluster already on this machine is left alone.
  base_port=$((20000 + ($$ % 20000) * 2))
  user=$(id -un)
  cat >"$SLURM_CONF" <<EOF
ClusterName=mottsimtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$user
SlurmdUser=$user
SlurmctldPort=$base_port
SlurmdPort=$((base_port + 1))
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  if ! slurmctld -f "$SLURM_CONF" || ! slurmd -f "$SLURM_CONF"; then
    echo "FAIL: the Slurm daemons did not start"
    show_logs
    return 1
  fi
  local i
  for ((i = 0; i < 150; ++i)); do
    [[ $(sinfo -h -o %t 2>/dev/null) == idle ]] && return 0
    sleep 0.2
  done
  echo "FAIL: the node did not come up idle within 30 s (sinfo: $(sinfo -h 2>&1))"
  show_logs
  return 1
}

wait_for_queue() {
  local i
  for ((i = 0; i < 1500; ++i)); do
    [[ -z $(squeue -h 2>/dev/null) ]] && return 0
    sleep 0.2
  done
  echo "FAIL: the queue did not drain within 300 s"
  squeue
  show_logs
  return 1
}
