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
package io.etcddiscovery.etcd.layout;

import java.util.Map;

import io.etcddiscovery.etcd.HostAndPort;
import org.jspecify.annotations.Nullable;

/**
 * An instance read from another registry's layout.
 *
 * @param service the service name the layout gives
 * @param instanceId the instance id, unique within the service in that layout
 * @param host the host to call
 * @param port the port to call
 * @param secure whether the instance is called over TLS
 * @param metadata the metadata whose meaning matches this library's
 * @param grpc the address gRPC clients call when it differs from the address HTTP clients
 * call (a Kratos instance with a {@code grpc://} and an {@code http://} endpoint), or
 * {@code null}
 * @author etcd-discovery authors
 */
public record ForeignInstance(String service, String instanceId, String host, int port, boolean secure,
		Map<String, String> metadata, @Nullable HostAndPort grpc) {

	public ForeignInstance {
		metadata = Map.copyOf(metadata);
	}

}
