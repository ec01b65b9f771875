#!/bin/bash
# Real java.util.logging SimpleFormatter (OpenJDK 17), machine zone TZ=America/New_York.  Fixture: java-jul
set -u; export TZ=America/New_York
WILD=$(cd "$(dirname "$0")/.." && pwd); D=/tmp/wild-java; rm -rf $D; mkdir -p $D $WILD/java-jul
cat > $D/Main.java <<'JAVA'
import java.util.logging.*;
public class Main {
    static final Logger LOG = Logger.getLogger(Main.class.getName());
    static void work(int i) { if (i % 7 == 3) throw new IllegalStateException("bad state in job " + i); }
    public static void main(String[] args) throws Exception {
        int[] pauses = {19, 55, 8, 41, 72, 0};
        int job = 0;
        for (int b = 0; b < pauses.length; b++) {
            for (int k = 0; k < 5; k++, job++) {
                LOG.info("job " + job + " started");
                try { work(job); LOG.fine("not shown"); }
                catch (RuntimeException e) { LOG.log(Level.SEVERE, "job " + job + " failed", e); }
                if (job % 4 == 1) LOG.warning("queue depth " + (job * 3));
                Thread.sleep(150);
            }
            Thread.sleep(pauses[b] * 1000L);
        }
        LOG.info("done");
    }
}
JAVA
cd $D && javac Main.java && java -cp $D Main 2> $D/app.log
cp $D/app.log $WILD/java-jul/app.log; touch -r $D/app.log $WILD/java-jul/app.log
echo "java-jul: $(wc -l < $D/app.log) lines"
