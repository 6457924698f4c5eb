/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.benchmarks.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /bench/orders?id=...}, the non-idempotent request of the crash scenario:
 * each id received is written at once to the file the {@code RECEIVED_LOG} environment
 * variable names (one line each, in the kernel's page cache before the answer is sent,
 * so a SIGKILL loses none), and the harness counts what every instance received: an id
 * there twice was sent twice.
 *
 * @author etcd-discovery authors
 */
@RestController
class OrdersController implements DisposableBean {

	private final int port;

	private final FileChannel received;

	OrdersController(Environment environment) throws IOException {
		this.port = environment.getProperty("server.port", Integer.class, 0);
		String log = environment.getProperty("RECEIVED_LOG");
		this.received = (log != null) ? FileChannel.open(Path.of(log), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE, StandardOpenOption.APPEND) : null;
	}

	@PostMapping("/bench/orders")
	Map<String, Object> order(@RequestParam String id) {
		if (this.received != null) {
			ByteBuffer line = ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.UTF_8));
			synchronized (this.received) {
				try {
					while (line.hasRemaining()) {
						this.received.write(line);
					}
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
		}
		return Map.of("port", this.port);
	}

	@Override
	public void destroy() throws IOException {
		if (this.received != null) {
			this.received.close();
		}
	}

}
