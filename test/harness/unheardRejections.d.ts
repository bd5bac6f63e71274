/** The promise rejections nobody handled while `during` ran. */
export declare function unheardRejectionsDuring(during: () => Promise<void>): Promise<unknown[]>;
