#!/bin/bash
# Real Apache Tomcat 10.1 (Debian bookworm tomcat10), private CATALINA_BASE, `catalina.sh run`, TZ=UTC.
# Debian's logging.properties: catalina.<date>.log and localhost.<date>.log written by AsyncFileHandler with the
# default OneLineFormatter.  Traffic: curl; a JSP that throws (stack trace in localhost log); context reloads.
# Fixtures: tomcat (catalina.<date>.log), tomcat-localhost (localhost.<date>.log)
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd); D=/tmp/wild-tomcat; rm -rf $D; mkdir -p $D/{conf,logs,webapps/ROOT/WEB-INF,work,temp}
cp -r /etc/tomcat10/* $D/conf/
sed -i 's/port="8080"/port="8095"/; s/port="8005"/port="8096"/' $D/conf/server.xml
cat > $D/webapps/ROOT/WEB-INF/web.xml <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="5.0"><display-name>wild</display-name></web-app>
X
echo 'hello' > $D/webapps/ROOT/index.html
echo '<% if (request.getParameter("x") != null) throw new IllegalStateException("bad x: " + request.getParameter("x")); %>ok' > $D/webapps/ROOT/boom.jsp
export CATALINA_HOME=/usr/share/tomcat10 CATALINA_BASE=$D CATALINA_TMPDIR=$D/temp
$CATALINA_HOME/bin/catalina.sh run > $D/stdout 2>&1 &
TC=$!; sleep 12
hit() { curl -s -o /dev/null "http://127.0.0.1:8095/${1:-}"; }
hit; hit boom.jsp; hit "boom.jsp?x=1"; sleep 31
hit missing; hit "boom.jsp?x=2"; touch $D/webapps/ROOT/WEB-INF/web.xml; sleep 47
hit; hit "boom.jsp?x=3"; sleep 26
touch $D/webapps/ROOT/WEB-INF/web.xml; sleep 38
hit "boom.jsp?x=4"; sleep 2
kill $TC; sleep 6; wait $TC 2>/dev/null   # Debian server.xml has no shutdown port: SIGTERM (catalina.sh run execs java)
day=$(date +%Y-%m-%d)
mkdir -p $WILD/tomcat $WILD/tomcat-localhost
rm -f $WILD/tomcat/catalina.*.log
cp $D/logs/catalina.$day.log $WILD/tomcat/; touch -r $D/logs/catalina.$day.log $WILD/tomcat/catalina.$day.log
cp $D/logs/localhost.$day.log $WILD/tomcat-localhost/; touch -r $D/logs/localhost.$day.log $WILD/tomcat-localhost/localhost.$day.log
echo "tomcat: $(wc -l < $D/logs/catalina.$day.log) lines; tomcat-localhost: $(wc -l < $D/logs/localhost.$day.log) lines"
