import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time counters read from Linux's /proc, in seconds. */
final class ProcCpu {
    /**
     * USER_HZ, the unit of CPU times in /proc, which Java has no API to read. It is 100 on x86-64
     * Linux, as {@code getconf CLK_TCK} prints.
     * NOTE: other architectures were not checked.
     */
    private static final int CLOCK_TICKS_PER_SECOND = 100;

    private ProcCpu() {
    }

    /**
     * Returns the user and system CPU seconds of a process ({@code "self"} or a process id), or
     * -1 when /proc has no such process.
     */
    static double processSeconds(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            // The command name is in parentheses and may contain spaces. After it, utime and
            // stime are the 12th and 13th fields (fields 14 and 15 of the whole line).
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks / (double) CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Returns the CPU seconds all processors have spent busy since boot (user, nice, system, irq
     * and softirq, without steal, which is the hypervisor's), or -1 when /proc/stat is missing.
     */
    static double machineBusySeconds() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] fields = line.trim().split("\\s+");
                    long ticks = Long.parseLong(fields[1]) + Long.parseLong(fields[2])
                            + Long.parseLong(fields[3]) + Long.parseLong(fields[6])
                            + Long.parseLong(fields[7]);
                    return ticks / (double) CLOCK_TICKS_PER_SECOND;
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
