# SIPp (Debian's sip-tester) with the project's scenarios, for the carrier and client containers.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends sip-tester && rm -rf /var/lib/apt/lists/*
COPY sipp-scenarios /scenarios
WORKDIR /scenarios
ENTRYPOINT ["sipp"]
