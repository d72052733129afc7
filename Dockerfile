# Build stage: the same Maven build as on a developer machine, tests skipped (CI runs them).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY webroot webroot
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/livejury.jar /app/livejury.jar
EXPOSE 8080
# ParallelGC: no concurrent refinement threads competing with the event loops for the cores; young pauses
# stay short because a node's live set is small (a few tens of MiB per 1,000 sockets at most).
ENTRYPOINT ["java", "-XX:+UseParallelGC", "-XX:MaxRAMPercentage=75", "-jar", "/app/livejury.jar"]
