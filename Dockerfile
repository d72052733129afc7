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
COPY deploy/jvm.options /app/jvm.options
EXPOSE 8080
# The JVM starts as the README starts it (deploy/jvm.options); in a container the heap may also take three quarters
# of the container's memory limit instead of a quarter.
ENTRYPOINT ["java", "@/app/jvm.options", "-XX:MaxRAMPercentage=75", "-jar", "/app/livejury.jar"]
