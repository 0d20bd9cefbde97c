FROM node:24-slim
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY src ./src
COPY workflows ./workflows
COPY schema ./schema
ENV NODE_ENV=production
CMD ["node", "src/main.ts"]
