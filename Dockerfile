FROM node:24-slim
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# The image has Node 24 already: drop the copy npm ci brings (docs/node-runtime.md).
RUN npm ci --omit=dev && rm -rf node_modules/node-linux-* node_modules/.bin/node
COPY src ./src
COPY workflows ./workflows
COPY schema ./schema
ENV NODE_ENV=production
CMD ["node", "src/main.ts"]
